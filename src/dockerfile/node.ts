import type { RawStage } from './parse.js';
import type { StageUse } from './types.js';

/** A stage while the graph is resolved: its raw text, what it is built FROM and what it links to. */
export interface Node {
  raw: RawStage;
  index: number;
  baseName: string;
  platform?: string;
  baseStage?: Node;
  deps: Node[];
  links: Node[];
  /** Line of each link, for the cycle error. */
  linkLines: Map<Node, number>;
  uses: { via: StageUse['via']; node?: Node; image?: string; line: number }[];
}
