// Draws the explorer's graph with sigma. Reducers decide what is drawn (selection, the found path, the edge whose
// evidence is open) without touching the graph itself.
import Sigma from 'sigma';
import type { ExplorerGraph } from './model.js';

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
  refresh(): void;
  fit(): void;
  /** The picture as drawn now, on white, with the marking in a band above and below (as on a printed page). */
  png(marking: string, fictional: boolean): Promise<Blob>;
  kill(): void;
}

const FADED = '#e4e7eb';
const PATH = '#c2410c';
const FOCUS = '#0b5cad';

export function createRenderer(
  container: HTMLElement,
  graph: ExplorerGraph,
  state: ViewState,
  on: Handlers,
): Renderer {
  const sigma = new Sigma(graph, container, {
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
    nodeReducer: (key, _data, attrs) => {
      const out: Record<string, unknown> = {};
      const onPath = state.pathNodes.has(key);
      if (state.pathNodes.size > 0 && !onPath) {
        out.color = FADED;
        out.labelVisibility = 'hidden';
      }
      if (onPath) out.labelVisibility = 'visible';
      if (state.selected.includes(key)) {
        out.highlighted = true;
        out.labelVisibility = 'visible';
        out.size = (attrs.size as number) + 4;
        out.zIndex = 2;
      }
      return out;
    },
    edgeReducer: (key) => {
      const out: Record<string, unknown> = {};
      if (state.pathEdges.size > 0) {
        if (state.pathEdges.has(key)) {
          out.color = PATH;
          out.size = 4;
          out.zIndex = 2;
        } else out.color = FADED;
      }
      if (state.focusEdge === key) {
        out.color = FOCUS;
        out.size = 4;
        out.zIndex = 3;
      }
      return out;
    },
  });
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

  return {
    refresh: () => sigma.refresh(),
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
        sigma.refresh();
      }),
    kill: () => sigma.kill(),
  };
}
