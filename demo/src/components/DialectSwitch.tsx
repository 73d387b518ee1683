import { DIALECTS } from '../dialects.ts';

/** The wire protocol, one of four; switching starts a new connection on that dialect's path. */
export function DialectSwitch({ value, onChange }: { value: string; onChange: (name: string) => void }) {
  return (
    <fieldset className="segmented dialects">
      <legend className="visually-hidden">Wire protocol</legend>
      {DIALECTS.map(({ dialect, label, seed, audio }) => (
        <label key={dialect.name} title={`${seed}: ${dialect.path}, ${audio}`}>
          <input
            type="radio"
            name="dialect"
            value={dialect.name}
            checked={value === dialect.name}
            onChange={() => onChange(dialect.name)}
          />
          <span>{label}</span>
          <small>{seed}</small>
        </label>
      ))}
    </fieldset>
  );
}
