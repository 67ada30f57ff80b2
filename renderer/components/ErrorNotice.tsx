import { toAppError } from '../../shared/errors';

interface ErrorNoticeProps {
  error: unknown;
  title?: string;
  testId?: string;
}

/** Shows an AppError the way the host meant it: what went wrong, then what to do. */
export function ErrorNotice({ error, title, testId }: ErrorNoticeProps) {
  const { message, hint } = toAppError(error);
  return (
    <div className="notice notice-error" role="alert" data-testid={testId}>
      {title && <strong className="notice-title">{title}</strong>}
      <p className="notice-message">{message}</p>
      {hint && <p className="notice-hint">{hint}</p>}
    </div>
  );
}
