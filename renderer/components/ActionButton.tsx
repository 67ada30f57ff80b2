import type { ButtonHTMLAttributes } from 'react';

interface ActionButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> {
  /** How much it stands out: primary for the action the user came for. */
  variant?: 'primary' | 'secondary' | 'ghost';
  small?: boolean;
  testId?: string;
}

/** A button that does something now (not a form's submit), in the house style: `button button-<variant>`, small or not. */
export function ActionButton({ variant = 'secondary', small = false, testId, className, ...rest }: ActionButtonProps) {
  const classes = ['button', `button-${variant}`, small && 'button-small', className].filter(Boolean).join(' ');
  return <button type="button" className={classes} data-testid={testId} {...rest} />;
}
