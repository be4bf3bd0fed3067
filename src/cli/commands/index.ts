import type { Command } from '../command.js';
import { checkpointCommand } from './checkpoint.js';
import { classifyCommand } from './classify.js';
import { explainCommand } from './explain.js';
import { exportCommand } from './export.js';
import { historyCommand } from './history.js';
import { importCommand } from './import.js';
import { migrateCommand } from './migrate.js';
import { reconcileCommand } from './reconcile.js';
import { recordCommand } from './record.js';
import { reviewCommand } from './review.js';
import { statusCommand } from './status.js';
import { syncCommand } from './sync.js';
import { verifyCommand } from './verify.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  classifyCommand,
  statusCommand,
  explainCommand,
  historyCommand,
  recordCommand,
  reviewCommand,
  importCommand,
  exportCommand,
  verifyCommand,
  checkpointCommand,
  migrateCommand,
  syncCommand,
  reconcileCommand,
];
