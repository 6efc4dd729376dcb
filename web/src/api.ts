/**
 * The typed fetch client. Every call goes through `request`, which adds the session token and turns
 * an error body `{ error: { code, message: { zh, en }, field } }` into an `ApiError` whose text is in
 * the language the user reads.
 */
import i18n from './i18n/index.js';
import type { SessionReply } from './types.js';

const SESSION_KEY = 'fenghuo.session';

/** The stored session: the token lives in sessionStorage so it ends with the browser tab. */
export function loadSession(): SessionReply | null {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as SessionReply;
    if (typeof session.token !== 'string' || Date.parse(session.expiresAt) <= Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: SessionReply | null): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

/** An error reply from the API, or a network failure (code FH_NETWORK, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messages: { zh: string; en: string },
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(`${code}: ${messages.en}`);
    this.name = 'ApiError';
  }

  /**
   * The message in the current UI language. A few API messages name request parameters for API
   * callers ("resubmission=true"); the UI says the same thing in the words of its own screens.
   */
  localMessage(): string {
    const key = `error.apiCodes.${this.code}`;
    if (i18n.exists(key)) return i18n.t(key);
    return i18n.language.startsWith('en') ? this.messages.en : this.messages.zh;
  }

  /**
   * The message with the field at fault named in words, e.g. "统一社会信用代码不合法（统一社会信用代码）";
   * a field the UI has no name for is left out rather than shown as an API name.
   */
  describe(): string {
    const message = this.localMessage();
    const words = this.field ? fieldWords(this.field) : undefined;
    return words ? i18n.t('error.withField', { message, field: words }) : message;
  }
}

/** `body.uscc` → `uscc`: the form field a server-side field path points at. */
export function fieldName(field: string): string {
  return field.replace(/^(body|query|params|headers)\./, '');
}

/** The name people read for a field of a request (`body.institutionId` → 机构), undefined when the UI has none. */
export function fieldWords(field: string): string | undefined {
  const name = fieldName(field).split('.')[0] ?? '';
  const key = `fields.${name}`;
  return name && i18n.exists(key) ? i18n.t(key) : undefined;
}

/** Any thrown value as a line of text for the user. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  return i18n.t('error.unexpected');
}

let onSessionLost: (() => void) | undefined;

/**
 * True when the tab holds a session that has run out (its expiry passed while the tab was away):
 * the login page then says why it is shown.
 */
export function storedSessionExpired(): boolean {
  const raw = sessionStorage.getItem(SESSION_KEY);
  return raw !== null && loadSession() === null;
}

/** Called when the server says the session is gone (expired, logged out elsewhere). */
export function setSessionLostHandler(handler: () => void): void {
  onSessionLost = handler;
}

type Query = Record<string, string | number | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The ApiError for a failed reply (`text` is its body), clearing the session when the server says it is gone. */
function failure(status: number, text: string, hadSession: boolean): ApiError {
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: { code?: string; message?: { zh?: string; en?: string }; field?: string; details?: Record<string, unknown> } } | undefined)?.error;
  const apiError = error?.code
    ? new ApiError(status, error.code, { zh: error.message?.zh ?? error.code, en: error.message?.en ?? error.code }, error.field, error.details)
    : new ApiError(status, 'FH_HTTP', { zh: i18n.t('error.http', { lng: 'zh', status }), en: i18n.t('error.http', { lng: 'en', status }) });
  if (hadSession && (apiError.code === 'FH_AUTH_SESSION_EXPIRED' || apiError.code === 'FH_UNAUTHENTICATED')) {
    saveSession(null);
    onSessionLost?.();
  }
  return apiError;
}

function networkFailure(): ApiError {
  return new ApiError(0, 'FH_NETWORK', { zh: i18n.t('error.network', { lng: 'zh' }), en: i18n.t('error.network', { lng: 'en' }) });
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query, extraHeaders?: Record<string, string>): Promise<T> {
  const session = loadSession();
  const headers: Record<string, string> = { ...extraHeaders, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (session) headers.authorization = `Bearer ${session.token}`;
  let response: Response;
  try {
    response = await fetch(withQuery(path, query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw networkFailure();
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!response.ok) throw failure(response.status, text, session !== null);
  try {
    return (text ? JSON.parse(text) : undefined) as T;
  } catch {
    return undefined as T;
  }
}

/** How far an upload has gone, in bytes. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * POST a file as the raw request body. XMLHttpRequest rather than fetch because only it reports
 * upload progress. `signal` aborts the transfer (the promise then rejects with an AbortError).
 */
function upload<T>(path: string, file: Blob, contentType: string, query: Query, onProgress: (progress: UploadProgress) => void, signal?: AbortSignal): Promise<T> {
  const session = loadSession();
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', withQuery(path, query));
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', contentType);
    if (session) xhr.setRequestHeader('authorization', `Bearer ${session.token}`);
    xhr.upload.onprogress = (event) => onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as T);
        } catch {
          reject(failure(xhr.status, '', false));
        }
      } else {
        reject(failure(xhr.status, xhr.responseText, session !== null));
      }
    };
    xhr.onerror = () => reject(networkFailure());
    xhr.onabort = () => reject(new DOMException('upload cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** GET a file with the session token and hand it to the browser as a download named `fileName`. */
async function download(path: string, fileName: string): Promise<void> {
  const session = loadSession();
  let response: Response;
  try {
    response = await fetch(path, { headers: session ? { authorization: `Bearer ${session.token}` } : {} });
  } catch {
    throw networkFailure();
  }
  if (!response.ok) throw failure(response.status, await response.text(), session !== null);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob to the download manager; the URL can go once it has read it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body: unknown = {}, headers?: Record<string, string>) => request<T>('POST', path, body, undefined, headers),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
  upload,
  download,
};
