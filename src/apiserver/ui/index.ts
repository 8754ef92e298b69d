/** The web view's server side: sessions, their cookie and CSRF checks, and the `/ui/` routes. */
export { UiSessions, DEFAULT_UI_IDLE_MS, type UiSession, type UiSessionOptions } from './sessions.js';
export { sessionCredentials, type SessionCredentials } from './credentials.js';
export { isUiPath, serveUi } from './serve.js';
export { SESSION_COOKIE } from './cookies.js';
