// Ids as plain patterns, without zod, so the renderer's router checks a URL by the same rules the
// contract's schemas do.

/** A recipe's id: 2-40 lowercase letters, digits or dashes, starting with a letter. */
export const PROVIDER_ID_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;

/**
 * A model instance's provider id (`engine~tiny.gguf`, loaded-instance.ts): a provider that runs
 * models on demand (ON_DEMAND_PROVIDERS), `~`, then the model's name in file-name-safe characters
 * (at most 80, plus `-` and 8 hex digits when it had to change). Its log is `logs/<id>.log`.
 */
export const INSTANCE_ID_PATTERN = /^(engine|llamacpp)~[A-Za-z0-9._-]{1,89}$/;
