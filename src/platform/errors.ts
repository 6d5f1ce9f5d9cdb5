/** One error family for the whole application; the error middleware maps `status` and `code` to responses. */

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'precondition_failed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'unavailable'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
};

/** A field-level problem, shown next to the field on pages and listed in JSON bodies. */
export interface FieldIssue {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  /** Whether `message` may be shown to the client (true for 4xx by default). */
  expose?: boolean;
  cause?: unknown;
  /** Locale catalogue key for pages; the message is used when absent. */
  messageKey?: string;
  details?: FieldIssue[];
  headers?: Record<string, string>;
}

/** The application's error: a stable code, an HTTP status and a message safe to show when `expose`. */
export class AppError extends Error {
  readonly status: number;
  readonly expose: boolean;
  readonly messageKey?: string;
  readonly details?: FieldIssue[];
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.status = STATUS[code];
    this.expose = options.expose ?? this.status < 500;
    this.messageKey = options.messageKey;
    this.details = options.details;
    this.headers = options.headers;
  }
}

/** 400 with the list of invalid fields. */
export class ValidationError extends AppError {
  constructor(message: string, details: FieldIssue[], options: Omit<AppErrorOptions, 'details'> = {}) {
    super('validation_failed', message, { ...options, details });
  }
}

/** 404 for a resource that does not exist (or that the caller may not know exists). */
export class NotFoundError extends AppError {
  constructor(message = 'Not found', options: AppErrorOptions = {}) {
    super('not_found', message, { messageKey: 'errors.not_found', ...options });
  }
}

/** 403: authenticated but not allowed. */
export class ForbiddenError extends AppError {
  constructor(message = 'Forbidden', options: AppErrorOptions = {}) {
    super('forbidden', message, { messageKey: 'errors.forbidden', ...options });
  }
}

/** 401: no valid credentials or launch. */
export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required', options: AppErrorOptions = {}) {
    super('unauthenticated', message, { messageKey: 'errors.unauthenticated', ...options });
  }
}

/** 409: the request conflicts with the current state. */
export class ConflictError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('conflict', message, options);
  }
}
