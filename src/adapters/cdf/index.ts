export {
  type BackoffPolicy,
  DEFAULT_BACKOFF,
  fullJitterDelay,
  isRetryableStatus,
  retryDelay,
} from "../../core/backoff.js";
export { findTaskExecution } from "../../core/find-task-execution.js";
export { CDF_API_VERSION, type CdfAuth, type CdfClientOptions, createCdfClient } from "./cdf-client.js";
export { isAsyncComplete, parseTaskExecution, parseWorkflowExecutionDetail } from "./parse-response.js";
export { parseRetryAfter } from "./retry-after.js";
export {
  type ClientCredentials,
  clientCredentialsTokenProvider,
  refreshMarginMs,
  staticTokenProvider,
  type TokenProvider,
} from "./token-provider.js";
