/**
 * Runs the HTML page's script against a minimal stand-in DOM (no browser here): clicking a
 * node shows its redacted fields, the wheel zooms and a drag pans.
 */
import { describe, expect, it } from 'vitest';
import { renderDefinition } from '../../src/graph/render.js';
import { enrollments } from './helpers.js';

type Handler = (e: Record<string, unknown>) => void;

class El {
  children: El[] = [];
  parent?: El;
  attrs: Record<string, string> = {};
  classes = new Set<string>();
  style: Record<string, string> = {};
  handlers: Record<string, Handler> = {};
  onclick?: () => void;
  className = '';
  private text = '';
  viewBox = { baseVal: { x: 0, y: 0, width: 1000, height: 500 } };
  constructor(
    public tag: string,
    public id = '',
  ) {}
  get classList() {
    return {
      add: (c: string) => this.classes.add(c),
      remove: (c: string) => this.classes.delete(c),
      contains: (c: string) => this.classes.has(c),
    };
  }
  set textContent(t: string) {
    this.children = [];
    this.text = t;
  }
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join(' ');
  }
  appendChild(c: El): El {
    c.parent = this;
    this.children.push(c);
    return c;
  }
  setAttribute(k: string, v: string): void {
    this.attrs[k] = v;
  }
  removeAttribute(k: string): void {
    delete this.attrs[k];
  }
  addEventListener(type: string, fn: Handler): void {
    this.handlers[type] = fn;
  }
  setPointerCapture(): void {}
  getBoundingClientRect() {
    return { left: 0, top: 0, width: 1000, height: 500 };
  }
  querySelector(sel: string): El | undefined {
    return this.children.find((c) => c.tag === sel);
  }
  closest(sel: string): El | null {
    const [tag, cls] = sel.split('.');
    if (this.tag === tag && this.classes.has(cls)) return this;
    return this.parent ? this.parent.closest(sel) : null;
  }
  find(pred: (e: El) => boolean): El[] {
    return [...(pred(this) ? [this] : []), ...this.children.flatMap((c) => c.find(pred))];
  }
}

let rendered: Promise<string | Buffer> | undefined;

async function page() {
  rendered ??= renderDefinition(enrollments(), { format: 'html' });
  const html = (await rendered) as string;
  const json = /<script type="application\/json" id="etl-data">(.*?)<\/script>/s.exec(html)![1];
  const code = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
  const nodeId = /<g id="(obj_\d+)" class="node">\s*<title>AppDatabase<\/title>/.exec(html)![1];

  const byId = new Map<string, El>();
  const add = (e: El) => (byId.set(e.id, e), e);
  const data = add(new El('script', 'etl-data'));
  data.textContent = json;
  const view = add(new El('main', 'view'));
  const svg = view.appendChild(new El('svg'));
  const g = svg.appendChild(new El('g', nodeId));
  g.classes.add('node');
  const shape = g.appendChild(new El('polygon'));
  const panel = add(new El('aside', 'panel'));
  for (const b of ['fit', 'zoom-in', 'zoom-out']) add(new El('button', b));
  let under: El = svg;
  const docHandlers: Record<string, Handler> = {};
  const document = {
    getElementById: (id: string) => byId.get(id),
    createElement: (tag: string) => new El(tag),
    addEventListener: (type: string, fn: Handler) => (docHandlers[type] = fn),
    elementFromPoint: () => under,
  };
  new Function('document', code)(document);
  const click = (target: El) => {
    under = target;
    view.handlers.pointerdown({ clientX: 10, clientY: 10, pointerId: 1 });
    view.handlers.pointerup({ clientX: 10, clientY: 10, pointerId: 1 });
  };
  return { svg, shape, panel, view, click, docHandlers };
}

describe('HTML page script', () => {
  it('shows an overview with parameters (values redacted) before any click', async () => {
    const { panel } = await page();
    expect(panel.textContent).toContain('Parameters (values redacted)');
    expect(panel.textContent).toContain('*myWarehousePassword');
    expect(panel.textContent).not.toContain('s3cr3t');
  });

  it('shows the clicked node’s fields with secrets redacted, and clears on a background click', async () => {
    const { panel, shape, svg, click } = await page();
    click(shape);
    const text = panel.textContent;
    expect(text).toContain('AppDatabase');
    expect(text).toContain('RdsDatabase');
    expect(text).toContain('rdsInstanceId');
    expect(text).toContain('app-prod');
    expect(text).toMatch(/\*password\s+••••• \(redacted\)/);
    const secretCell = panel.find((e) => e.tag === 'td' && e.className === 'secret');
    expect(secretCell).toHaveLength(1);
    expect(shape.parent?.classes.has('selected')).toBe(true);
    click(svg);
    expect(panel.textContent).toContain('Click a node');
    expect(shape.parent?.classes.has('selected')).toBe(false);
  });

  it('zooms with the wheel and pans with a drag by changing the viewBox', async () => {
    const { svg, view, docHandlers } = await page();
    view.handlers.wheel({ deltaY: -200, clientX: 500, clientY: 250, preventDefault: () => {} });
    const zoomed = svg.attrs.viewBox.split(' ').map(Number);
    expect(zoomed[2]).toBeLessThan(1000);
    view.handlers.pointerdown({ clientX: 100, clientY: 100, pointerId: 1 });
    view.handlers.pointermove({ clientX: 200, clientY: 100, pointerId: 1 });
    view.handlers.pointerup({ clientX: 200, clientY: 100, pointerId: 1 });
    const panned = svg.attrs.viewBox.split(' ').map(Number);
    expect(panned[0]).toBeLessThan(zoomed[0]);
    docHandlers.keydown({ key: '0' });
    expect(svg.attrs.viewBox).toBe('0 0 1000 500');
  });
});
