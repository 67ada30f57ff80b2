import { CopyTextButton } from '../../components/CopyTextButton';

/** Where models go and how the engine picks one: the first thing someone with no models needs. */
export function ModelsFolder({ dir }: { dir: string }) {
  return (
    <div className="card models-folder">
      <div className="models-folder-row">
        <span className="fact-label">Models folder</span>
        <code className="models-folder-path" data-testid="models-dir" title={dir}>
          {dir}
        </code>
        <CopyTextButton text={dir} what="the folder path" testId="models-dir-copy" />
      </div>
      <p className="muted models-folder-hint">
        Put .gguf files in this folder; the built-in engine loads the one chosen in Settings, or the first one.
      </p>
    </div>
  );
}
