export type { NodeRequest } from './exchange.js';
export { type NodeHandler, type ToNodeHandlerOptions, toNodeHandler } from './to-node-handler.js';
