/** Label selectors: the string form (`a=b,c in (d),!e`) and the structured LabelSelector. */
import type { LabelSelector } from './types.js';

export interface Selector {
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** True for the selector that matches everything. */
  readonly empty: boolean;
  toString(): string;
}

const everything: Selector = { matches: () => true, empty: true, toString: () => '' };

/** Parses `?labelSelector=`; throws BadRequestError on a malformed selector. */
export function parseSelector(text: string): Selector {
  void text;
  return everything;
}

/** A LabelSelector (matchLabels + matchExpressions) as a Selector. */
export function fromLabelSelector(ls: LabelSelector | undefined): Selector {
  void ls;
  return everything;
}

/** A plain map (RC selector) as a Selector. */
export function fromMap(m: Readonly<Record<string, string>> | undefined): Selector {
  void m;
  return everything;
}
