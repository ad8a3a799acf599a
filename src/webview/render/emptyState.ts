import type { EmptyState, NextStepAction } from '../../shared/protocol';

/**
 * The panel's empty state: why there is nothing to draw, and buttons for the next steps (the host
 * runs them). Host strings go in through textContent only.
 */
export class EmptyStateView {
  private readonly root: HTMLElement;
  private shown = '';

  constructor(parent: HTMLElement, private readonly onStep: (action: NextStepAction) => void) {
    this.root = document.createElement('div');
    this.root.className = 'empty-state';
    this.root.hidden = true;
    this.root.setAttribute('role', 'region');
    this.root.setAttribute('aria-label', 'Next steps');
    parent.append(this.root);
  }

  show(state: EmptyState | undefined): void {
    const key = JSON.stringify(state ?? null);
    if (key === this.shown) return;
    this.shown = key;
    this.root.hidden = !state;
    if (!state) {
      this.root.replaceChildren();
      return;
    }
    const text = document.createElement('p');
    text.textContent = state.message;
    const bar = document.createElement('div');
    bar.className = 'actions';
    for (const step of state.steps) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = step.label;
      b.dataset.action = step.action;
      b.addEventListener('click', () => this.onStep(step.action));
      bar.append(b);
    }
    bar.querySelector('button')?.classList.add('primary');
    this.root.replaceChildren(text, bar);
  }
}
