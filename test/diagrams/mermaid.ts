import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/*
 * Mermaid `stateDiagram-v2` text from a machine's own definition: states (nested ones as composite
 * states), initial states, and every transition that changes state, labelled with its event, guard
 * and delay. Transitions that only run actions are listed inside their state's box as
 * `event [guard] / actions`; invoked actors as `invokes ...`.
 */

type GuardRef = AnyTransitionDefinition['guard'];

/** `hasPing`, `verdictIs(auth)`, `!isCurrent`, `silentTooLong && exhausted`. */
function guardText(guard: GuardRef): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const parts = ((guard as { guards?: GuardRef[] }).guards ?? []).map(guardText);
    if (guard.name === 'not') return `!${parts.join('')}`;
    if (guard.name === 'and' || guard.name === 'or')
      return parts.join(guard.name === 'and' ? ' && ' : ' || ');
    return guard.name || 'guard';
  }
  const { type, params } = guard as { type: string; params?: unknown };
  if (params === undefined || typeof params !== 'object' || params === null) return type;
  return `${type}(${Object.values(params).join(', ')})`;
}

/** The event as a reader knows it: delays as `after name`, invocations as `token done`. */
function eventText(t: AnyTransitionDefinition): string {
  const type = t.eventType;
  if (type === '') return 'always';
  const delay = /^xstate\.after\.([^.]+)\./.exec(type);
  if (delay) return `after ${/^\d+$/.test(delay[1] as string) ? `${delay[1]} ms` : delay[1]}`;
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (actor) {
    const invoked = t.source.invoke.find((i: { id: string }) => i.id === actor[2]);
    return `${invoked?.src ?? actor[2]} ${actor[1]}`;
  }
  return type;
}

/** A named action, or an inline one by its kind (`assign`, `raise`, `enqueueActions`). */
const actionName = (action: unknown) =>
  (typeof action === 'string'
    ? action
    : ((action as { type?: string }).type ?? (action as { name?: string }).name ?? 'action')
  ).replace(/^xstate\./, '');

interface Branch {
  t: AnyTransitionDefinition;
  event: string;
  /** The branch's guard, `else` after guarded siblings, or '' for none. */
  guard: string;
}

/** All transitions of a node, in document order. */
function transitionsOf(node: AnyStateNode): Branch[] {
  const groups = [...node.transitions.values(), ...(node.always ? [node.always] : [])];
  return groups.flatMap((branches: AnyTransitionDefinition[]) =>
    branches.map((t, i) => ({
      t,
      event: eventText(t),
      guard: t.guard ? guardText(t.guard) : i > 0 ? 'else' : '',
    })),
  );
}

/** `event [guard | guard]` per event, joined by `sep`; eventless ones as `[guard]`. */
function label(branches: Branch[], sep: string): string {
  const guards = new Map<string, string[]>();
  for (const { event, guard } of branches) guards.set(event, [...(guards.get(event) ?? []), guard]);
  return [...guards]
    .map(([event, list]) => {
      const shown = list.filter(Boolean);
      const condition = shown.length === list.length ? `[${shown.join(' | ')}]` : '';
      if (event === 'always') return condition || 'always';
      return condition ? `${event} ${condition}` : event;
    })
    .join(sep);
}

const idOf = (node: AnyStateNode) => node.path.join('_') || node.machine.id;

function children(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states);
}

/** The innermost state that contains both (null: the machine itself). */
function commonParent(a: AnyStateNode, b: AnyStateNode): AnyStateNode | null {
  let shared: AnyStateNode | null = null;
  for (let i = 0; i < Math.min(a.path.length, b.path.length) - 1; i++) {
    if (a.path[i] !== b.path[i]) break;
    shared = b.machine.getStateNodeById(`${b.machine.id}.${b.path.slice(0, i + 1).join('.')}`);
  }
  return shared;
}

/** Where a transition is drawn: inside the innermost composite holding both ends. */
function placeOf(source: AnyStateNode, target: AnyStateNode): string {
  if (source === target) return source.parent?.parent ? idOf(source.parent) : '';
  const shared = commonParent(source, target);
  return shared ? idOf(shared) : '';
}

/** Lines of a state's box: what it invokes, and its internal (targetless) transitions grouped by actions. */
function descriptions(node: AnyStateNode): string[] {
  const lines: string[] = [];
  const invoked = node.invoke.map((i) => String(i.src));
  if (invoked.length > 0) lines.push(`invokes ${invoked.join(', ')}`);
  const internal = new Map<string, Branch[]>();
  for (const branch of transitionsOf(node)) {
    if (branch.t.target) continue;
    const actions = branch.t.actions.map(actionName).join(', ');
    const key = actions ? `/ ${actions}` : '(ignored)';
    internal.set(key, [...(internal.get(key) ?? []), branch]);
  }
  for (const [actions, branches] of internal) lines.push(`${label(branches, ', ')} ${actions}`);
  return lines;
}

/** Mermaid text for `machine`; the root's own box is drawn only when it has something to say. */
export function toMermaid(machine: AnyStateMachine): string {
  const blocks = new Map<string, string[]>([['', []]]);
  const push = (place: string, line: string) => blocks.set(place, [...(blocks.get(place) ?? []), line]);
  const root = machine.root;

  const declare = (node: AnyStateNode, place: string) => {
    const id = idOf(node);
    const inner = children(node);
    const label = node.key;
    if (inner.length > 0) {
      push(place, `state "${label}" as ${id} {`);
      blocks.set(id, []);
      const initial = node.initial?.target[0];
      if (initial) push(id, `[*] --> ${idOf(initial)}`);
      for (const child of inner) declare(child, id);
      push(place, `{{${id}}}`);
    } else {
      push(place, `state "${label}" as ${id}`);
    }
    const lines = descriptions(node);
    // Mermaid gives composite states no description lines: a note carries them.
    if (inner.length > 0 && lines.length > 0)
      push(place, `note right of ${id}\n${lines.join('\n')}\nend note`);
    else for (const line of lines) push(place, `${id} : ${line}`);
  };

  const rootLines = descriptions(root);
  const topStates = children(root);
  if (topStates.length === 0 || rootLines.length > 0) {
    // Its transitions apply in every state: say so, unless it has no states.
    const label = topStates.length > 0 ? `${machine.id} (any state)` : machine.id;
    push('', `state "${label}" as ${machine.id}`);
    for (const line of rootLines) push('', `${machine.id} : ${line}`);
  }
  const initial = root.initial?.target[0];
  if (initial) push('', `[*] --> ${idOf(initial)}`);
  for (const node of topStates) declare(node, '');

  const nodes = [
    root,
    ...topStates.flatMap(function all(n: AnyStateNode): AnyStateNode[] {
      return [n, ...children(n).flatMap(all)];
    }),
  ];
  for (const node of nodes) {
    const edges = new Map<string, { place: string; branches: Branch[] }>();
    for (const branch of transitionsOf(node)) {
      for (const target of branch.t.target ?? []) {
        const source = node === root ? machine.id : idOf(node);
        const key = `${source} --> ${idOf(target)}`;
        const place = node === root ? '' : placeOf(node, target);
        const edge = edges.get(key) ?? { place, branches: [] };
        edge.branches.push(branch);
        edges.set(key, edge);
      }
    }
    for (const [key, { place, branches }] of edges) push(place, `${key} : ${label(branches, '<br/>')}`);
  }

  const render = (place: string, indent: string): string[] =>
    (blocks.get(place) ?? []).flatMap((line) => {
      const nested = /^\{\{(.+)\}\}$/.exec(line);
      if (nested) return [...render(nested[1] as string, `${indent}  `), `${indent}}`];
      return [`${indent}${line}`];
    });
  return ['stateDiagram-v2', ...render('', '  ')].join('\n');
}
