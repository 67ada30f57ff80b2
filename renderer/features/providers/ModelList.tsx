/** Shown in full would push the buttons off a tile; the detail page has room for every name. */
const MAX_SHOWN = 4;

export function ModelList({ models, limit = MAX_SHOWN }: { models: string[]; limit?: number }) {
  if (models.length === 0) return null;
  const shown = models.slice(0, limit);
  const rest = models.length - shown.length;
  return (
    <ul className="model-list" aria-label="Models" data-testid="provider-models">
      {shown.map((model) => (
        <li key={model} className="chip mono" title={model}>
          {model}
        </li>
      ))}
      {rest > 0 && (
        <li className="chip chip-more" title={models.slice(limit).join('\n')}>
          +{rest} more
        </li>
      )}
    </ul>
  );
}
