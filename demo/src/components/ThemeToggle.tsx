import { useEffect, useState } from 'react';
import { remember, remembered } from '../settings.ts';
import { Icon } from './Icon.tsx';

type Theme = 'dark' | 'light';

const initialTheme = (): Theme =>
  (remembered('theme') as Theme | null) ??
  (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark');

/** Dark or light; follows the system until the user picks one. */
export function ThemeToggle() {
  const [theme, setTheme] = useState(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={`Switch to the ${next} theme`}
      title={`Switch to the ${next} theme`}
      onClick={() => {
        remember('theme', next);
        setTheme(next);
      }}
    >
      <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
    </button>
  );
}
