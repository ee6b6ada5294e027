// graphology-gexf's writer on its own: the package's browser entry also loads its parser, which
// needs a global DOMParser at import time (absent in Node and in server rendering).
declare module "graphology-gexf/browser/writer" {
  import type { write } from "graphology-gexf/browser";
  const writeGexf: typeof write;
  export default writeGexf;
}
