// Draws the explorer's graph with sigma. What is emphasised (the selection, the found path, the edge whose evidence
// is open) is kept as sigma item *states*, styled by a declaration, not by reducers:
//
// - With a nodeReducer or edgeReducer, sigma 4 treats every style as depending on the graph-level state, so each
//   change of that state (a zoom or pan starting or ending, a node hovered) re-evaluates every node and edge through
//   the reducers, and each reducer call allocates two objects. At 5,000 nodes and 13,000 ties that was most of the
//   JavaScript of a camera move and of a hover.
// - With styles that read only item states (`whenState`), sigma re-evaluates only the items whose state changed.
//   `update()` compares what each item should be with its current state and changes only the difference: a camera
//   move restyles nothing, a new selection restyles two nodes, and showing or clearing a path restyles each item
//   once (those that fade or come back).
//
// Large views also hide edges and labels while the camera moves (sigma's `hideEdgesOnMove`/`hideLabelsOnMove`):
// drawing 13,000 edges a frame is what makes a zoom crawl without a GPU, and labels are re-placed every frame of a
// move. The picture is drawn whole again when the move ends.
import type { Attributes } from 'graphology-types';
import Sigma from 'sigma';
import { DEFAULT_EDGE_PRIMITIVES, DEFAULT_NODE_PRIMITIVES } from 'sigma/primitives';
import type { EdgeAttrs, ExplorerGraph, NodeAttrs } from '../graph/model.js';

export interface ViewState {
  selected: string[];
  pathNodes: Set<string>;
  pathEdges: Set<string>;
  focusEdge?: string;
}

export interface Handlers {
  clickNode(id: string): void;
  doubleClickNode(id: string): void;
  clickEdge(key: string): void;
}

export interface Renderer {
  /** Brings the drawn emphasis (selection, path, focused tie) in line with the view state; cheap when little changed. */
  update(): void;
  fit(): void;
  /** The picture as drawn now, on white, with the marking in a band above and below (as on a printed page). */
  png(marking: string, fictional: boolean): Promise<Blob>;
  kill(): void;
}

const FADED = '#e4e7eb';
const PATH = '#c2410c';
const FOCUS = '#0b5cad';
/** From this many ties in view, edges and labels are left out of the frames of a camera move. */
const HIDE_ON_MOVE_EDGES = 2000;

// Item states of our own, next to sigma's (isHovered, isHighlighted: the selection, ...).
interface NodeState {
  onPath: boolean;
  faded: boolean;
}
interface EdgeState {
  onPath: boolean;
  faded: boolean;
  focus: boolean;
}

// Node sizes run from 5 to 32 (sizeFor in the model); a selected node is drawn 4 pixels larger, as a linear map of
// the same range (a style cannot add, and a function would make the style depend on the graph-level state).
const SIZE_MIN = 5;
const SIZE_MAX = 32;
const SELECTED_GROWTH = 4;

/**
 * A style rule, or a value, that applies while an item is in state `whenState`: sigma's shape, whose consequent is
 * named `then` (it is no promise).
 */
function whenState<const S extends string, const T, const E = undefined>(
  state: S,
  then: T,
  otherwise?: E,
): { whenState: S; then: T; else?: E } {
  return otherwise === undefined ? { whenState: state, then } : { whenState: state, then, else: otherwise };
}

function createSigma(container: HTMLElement, graph: ExplorerGraph) {
  return new Sigma<NodeAttrs, EdgeAttrs, Attributes, NodeState, EdgeState>(graph, container, {
    // Sigma's own programs; only the order of the layers differs from its default (edges, topEdges, nodes,
    // topNodes): the ties brought forward (the path, the tie whose evidence is open, the one under the pointer) are
    // drawn over the ordinary nodes, which at thousands of nodes would otherwise hide most of the path.
    primitives: {
      nodes: DEFAULT_NODE_PRIMITIVES,
      edges: DEFAULT_EDGE_PRIMITIVES,
      depthLayers: ['edges', 'nodes', 'topEdges', 'topNodes'],
    },
    customNodeState: { onPath: false, faded: false },
    customEdgeState: { onPath: false, faded: false, focus: false },
    styles: {
      // Rules apply in order; a later rule overrides what an earlier one set.
      nodes: [
        {
          x: { attribute: 'x' },
          y: { attribute: 'y' },
          size: { attribute: 'size', defaultValue: 6 },
          color: { attribute: 'color', defaultValue: '#5f6b7a' },
          label: { attribute: 'label' },
          visibility: whenState('isHidden', 'hidden', 'visible'),
          labelVisibility: 'auto',
          depth: 'nodes',
          backdropVisibility: 'hidden',
          backdropColor: '#ffffff',
          backdropShadowColor: 'rgba(0, 0, 0, 0.5)',
          backdropShadowBlur: 12,
          backdropPadding: 6,
        },
        whenState('faded', { color: FADED, labelVisibility: 'hidden' }),
        whenState('onPath', { labelVisibility: 'visible', depth: 'topNodes' }),
        // The selection.
        whenState('isHighlighted', {
          labelVisibility: 'visible',
          depth: 'topNodes',
          size: {
            attribute: 'size',
            minValue: SIZE_MIN,
            maxValue: SIZE_MAX,
            min: SIZE_MIN + SELECTED_GROWTH,
            max: SIZE_MAX + SELECTED_GROWTH,
          },
        }),
        // As sigma's own default: the node under the pointer comes forward with its label on a halo.
        whenState('isHovered', {
          labelVisibility: 'visible',
          backdropVisibility: 'visible',
          depth: 'topNodes',
        }),
      ],
      edges: [
        {
          size: { attribute: 'size', defaultValue: 1 },
          color: { attribute: 'color', defaultValue: '#9aa3ad' },
          label: { attribute: 'label' },
          visibility: whenState('isHidden', 'hidden', 'visible'),
          depth: 'edges',
        },
        whenState('faded', { color: FADED }),
        whenState('onPath', { color: PATH, size: 4, depth: 'topEdges' }),
        whenState('focus', { color: FOCUS, size: 4, depth: 'topEdges' }),
        whenState('isHovered', { depth: 'topEdges' }),
      ],
    },
    settings: {
      enableEdgeEvents: true,
      renderEdgeLabels: false,
      labelDensity: 0.6,
      labelRenderedSizeThreshold: 7,
      // Sizes in screen pixels (sigma 4 defaults to graph units, which balloon on small graphs).
      itemSizesReference: 'screen',
      // The wheel zooms the picture. ('shared' would add a hint overlay made of an inline <style>, which the
      // Content-Security-Policy refuses.)
      gestureTarget: 'graph',
      enableCameraRotation: false,
      enableCameraMouseRotation: false,
      stagePadding: 40,
    },
  });
}

export function createRenderer(
  container: HTMLElement,
  graph: ExplorerGraph,
  state: ViewState,
  on: Handlers,
): Renderer {
  const sigma = createSigma(container, graph);
  sigma.on('clickNode', ({ node }) => on.clickNode(node));
  sigma.on('doubleClickNode', (payload) => {
    payload.preventSigmaDefault();
    on.doubleClickNode(payload.node);
  });
  sigma.on('clickEdge', ({ edge }) => on.clickEdge(edge));
  sigma.on('enterNode', () => container.classList.add('pointing'));
  sigma.on('leaveNode', () => container.classList.remove('pointing'));
  sigma.on('enterEdge', () => container.classList.add('pointing'));
  sigma.on('leaveEdge', () => container.classList.remove('pointing'));

  let hidingOnMove = false;
  // The keys to change, gathered per target state so that each state object is shared (no allocation per item).
  const select: string[] = [];
  const unselect: string[] = [];
  const nodeTo: Record<'plain' | 'path' | 'faded', string[]> = { plain: [], path: [], faded: [] };
  const edgeTo: Record<'plain' | 'path' | 'faded', string[]> = { plain: [], path: [], faded: [] };
  const edgeFocus: string[] = [];
  const edgeUnfocus: string[] = [];
  const NODE_STATES = {
    plain: { onPath: false, faded: false },
    path: { onPath: true, faded: false },
    faded: { onPath: false, faded: true },
  } as const;
  const EDGE_STATES = NODE_STATES;

  const update = () => {
    const large = graph.size >= HIDE_ON_MOVE_EDGES;
    if (large !== hidingOnMove) {
      hidingOnMove = large;
      sigma.setSettings({ hideEdgesOnMove: large, hideLabelsOnMove: large });
    }
    const selected = new Set(state.selected);
    const nodePath = state.pathNodes.size > 0;
    graph.forEachNode((key) => {
      const s = sigma.getNodeState(key);
      if (s.isHighlighted !== selected.has(key)) (s.isHighlighted ? unselect : select).push(key);
      const onPath = state.pathNodes.has(key);
      const faded = nodePath && !onPath;
      if (s.onPath !== onPath || s.faded !== faded)
        nodeTo[onPath ? 'path' : faded ? 'faded' : 'plain'].push(key);
    });
    const edgePath = state.pathEdges.size > 0;
    graph.forEachEdge((key) => {
      const s = sigma.getEdgeState(key);
      const onPath = state.pathEdges.has(key);
      const faded = edgePath && !onPath;
      if (s.onPath !== onPath || s.faded !== faded)
        edgeTo[onPath ? 'path' : faded ? 'faded' : 'plain'].push(key);
      const focus = state.focusEdge === key;
      if (s.focus !== focus) (focus ? edgeFocus : edgeUnfocus).push(key);
    });
    if (select.length) sigma.setNodesState(select, { isHighlighted: true });
    if (unselect.length) sigma.setNodesState(unselect, { isHighlighted: false });
    for (const k of ['plain', 'path', 'faded'] as const) {
      if (nodeTo[k].length) sigma.setNodesState(nodeTo[k], NODE_STATES[k]);
      if (edgeTo[k].length) sigma.setEdgesState(edgeTo[k], EDGE_STATES[k]);
      nodeTo[k].length = 0;
      edgeTo[k].length = 0;
    }
    if (edgeFocus.length) sigma.setEdgesState(edgeFocus, { focus: true });
    if (edgeUnfocus.length) sigma.setEdgesState(edgeUnfocus, { focus: false });
    select.length = 0;
    unselect.length = 0;
    edgeFocus.length = 0;
    edgeUnfocus.length = 0;
  };
  update();

  return {
    update,
    fit: () => {
      void sigma.getCamera().reset({ duration: 300 });
    },
    png: (marking, fictional) =>
      new Promise<Blob>((resolve, reject) => {
        // WebGL clears its buffer once a frame is shown, so the copy is taken right after a render.
        sigma.once('afterRender', () => {
          try {
            const stage = sigma.getStageCanvas();
            const band = Math.round(28 * window.devicePixelRatio);
            const out = document.createElement('canvas');
            out.width = stage.width;
            out.height = stage.height + 2 * band;
            const c = out.getContext('2d');
            if (!c) throw new Error('png: no 2D canvas');
            c.fillStyle = '#ffffff';
            c.fillRect(0, 0, out.width, out.height);
            c.drawImage(stage, 0, band);
            c.fillStyle = '#1d2430';
            c.font = `bold ${Math.round(band * 0.55)}px system-ui, sans-serif`;
            c.textAlign = 'center';
            c.textBaseline = 'middle';
            const text = fictional ? `${marking} - FICTIONAL DATA` : marking;
            c.fillText(text, out.width / 2, band / 2);
            c.fillText(text, out.width / 2, out.height - band / 2);
            out.toBlob(
              (blob) => (blob ? resolve(blob) : reject(new Error('png: the canvas gave no image'))),
              'image/png',
            );
          } catch (err) {
            reject(err);
          }
        });
        // A render, not a refresh: the data have not changed, and a refresh would reprocess every item.
        sigma.scheduleRender();
      }),
    kill: () => sigma.kill(),
  };
}
