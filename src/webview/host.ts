import type { HostToWebview, PersistedPanel, WebviewToHost } from '../shared/protocol';

/**
 * The only module that touches `acquireVsCodeApi`, so the UI can run against a fake host (the
 * benchmark page provides one) and the rest of the webview sees typed `post` and `onMessage`.
 */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** UI state kept across hide/show and reload: only what the user did, never data. */
export interface UiState {
  readonly panel?: PersistedPanel;
  readonly selected?: string;
  readonly view?: { readonly x: number; readonly y: number; readonly k: number };
}

const api = acquireVsCodeApi();

export function post(message: WebviewToHost): void {
  api.postMessage(message);
}

export function onMessage(handler: (message: HostToWebview) => void): void {
  // The host is the trusted side of this channel, and VS Code delivers only its messages here.
  window.addEventListener('message', (event: MessageEvent<HostToWebview>) => handler(event.data));
}

let ui: UiState = readUi(api.getState());

export function uiState(): UiState {
  return ui;
}

export function updateUi(patch: Partial<UiState>): void {
  ui = { ...ui, ...patch };
  api.setState(ui);
}

function readUi(raw: unknown): UiState {
  return typeof raw === 'object' && raw !== null ? (raw as UiState) : {};
}
