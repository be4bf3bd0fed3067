import type { Command } from '../command.js';
import { classifyCommand } from './classify.js';
import { explainCommand } from './explain.js';
import { exportCommand } from './export.js';
import { historyCommand } from './history.js';
import { migrateCommand } from './migrate.js';
import { recordCommand } from './record.js';
import { statusCommand } from './status.js';
import { verifyCommand } from './verify.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  classifyCommand,
  statusCommand,
  explainCommand,
  historyCommand,
  recordCommand,
  exportCommand,
  verifyCommand,
  migrateCommand,
];
