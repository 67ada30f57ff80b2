/** The gateway's `code` in OpenAI's error shape (os/openai-error writes it). */
export type GatewayErrorCode =
  | 'invalid_json'
  | 'missing_model'
  | 'invalid_model'
  | 'model_not_found'
  | 'no_healthy_provider'
  | 'upstream_unavailable'
  | 'model_load_failed'
  | 'model_busy'
  | 'body_too_large'
  | 'invalid_api_key'
  | 'forbidden_host'
  | 'unknown_endpoint'
  | 'method_not_allowed'
  | 'request_timeout'
  | 'bad_request'
  | 'server_error';
