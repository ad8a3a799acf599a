/** The name ending of a graph file (`*.workflow.json`). */
export const FILE_SUFFIX = '.workflow.json';
