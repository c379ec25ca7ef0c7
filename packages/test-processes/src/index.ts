export { cleanup, runningTrees, tempDir } from "./registry.ts";
export {
  loaders,
  ProcessTree,
  SOURCE_CONDITION,
  spawnNodeTs,
  spawnTree,
  type TreeExit,
  type TreeOptions,
} from "./tree.ts";
