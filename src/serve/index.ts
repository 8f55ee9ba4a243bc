// Serve: the HTTP API over the store and the resolve stage.
export { type AppDeps, type AppEnv, createApp, DEFAULT_MAX_BODY_BYTES, formatLogLine } from './app.js';
export { type ErrorAnswer, type ErrorBody, errorAnswer, HttpError } from './errors.js';
export { requestGrading, serviceAccount } from './grading-param.js';
export { DEFAULT_LIMIT, DEFAULT_THRESHOLD, MAX_LIMIT, parseMatchParams } from './match-params.js';
export { type ServeOptions, type ServerHandle, serve } from './server.js';
