export {
  type NodeHandler,
  type NodeRequest,
  type ToNodeHandlerOptions,
  toNodeHandler,
} from './to-node-handler.js';
