/**
 * The FailedScheduling message, worded as kube-scheduler's FitError prints it: every filter
 * reason counted over the nodes that gave it, each as "COUNT REASON", sorted as strings (so
 * "10 …" sorts before "2 …", exactly as Kubernetes shows it), joined by ", ".
 */

export const noNodesAvailable = 'no nodes available to schedule pods';

export function fitErrorMessage(numAllNodes: number, reasons: ReadonlyMap<string, number>): string {
  if (numAllNodes === 0) return noNodesAvailable;
  const parts: string[] = [];
  for (const [reason, count] of reasons) parts.push(`${count} ${reason}`);
  parts.sort();
  return `0/${numAllNodes} nodes are available: ${parts.join(', ')}.`;
}
