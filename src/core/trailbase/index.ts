// The TrailBase client's public surface; everything else in this folder is internal.
export { TrailBaseClient, type TrailBaseClientOptions } from './client';
export type { TokenStore, Tokens, AuthState, SessionUser } from './session';
export {
  type ClientError,
  type ClientErrorKind,
  isClientError,
  NetworkError,
  AuthError,
  SecondFactorRequiredError,
  SyncError,
  ValidationError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  type NetworkErrorCode,
  type AuthErrorCode,
  type ValidationErrorCode,
  type ServerErrorCode,
} from './errors';
export { MAX_REPLY_BYTES } from './http';
export { MAX_EVENT_CHARS } from './sse';
export type { PendingSignIn } from './mfa';
export { RecordApi, MAX_LIST_LIMIT, MAX_BULK_CREATE, type RecordApiOptions, type ListOptions, type ListPage, type RequestOptions } from './records';
export type { Where, CompareOp, FilterValue, ColumnCondition } from './filters';
export { MAX_TRANSACTION_OPS, type TransactionOp, type TransactionResult, type TransactionOptions } from './transaction';
export type { ChangeEvent, SubscribeHandlers, SubscribeOptions, Subscription, SubscriptionStatus } from './subscribe';
export type { RetryPolicy } from './retry';
export { validateServerUrl, serverUrlText, hostOf, isEmailAddress, isLoopbackHost } from './url';
