import { Component, type ReactNode } from 'react';

/**
 * A conversation actor that fails throws during render (@xstate/react), as any bug would: say so and
 * offer a reload, rather than a blank page.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="crash" role="alert">
        <h1>The demo stopped</h1>
        <p>
          <code>{error.message}</code>
        </p>
        <button type="button" className="button" onClick={() => location.reload()}>
          Reload the page
        </button>
      </div>
    );
  }
}
