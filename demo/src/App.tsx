import { useMemo, useState } from 'react';
import { createStatelyInspector, type StatelyInspector } from 'voxstate/inspect';
import { VoiceConversationProvider } from 'voxstate/react';
import { DeveloperPanel } from './components/DeveloperPanel.tsx';
import { DialectSwitch } from './components/DialectSwitch.tsx';
import { TalkingMode } from './components/TalkingMode.tsx';
import { ThemeToggle } from './components/ThemeToggle.tsx';
import { dialectNamed, TUTOR } from './dialects.ts';
import { newThreadId, remember, remembered, storedThreadId, urlSettings } from './settings.ts';
import type { TalkMode } from './stage.ts';
import { useDemoConversation } from './useDemoConversation.ts';

const MODES: TalkMode[] = ['hold', 'toggle', 'handsfree'];
const storedMode = () => MODES.find((mode) => mode === remembered('mode')) ?? 'hold';

export function App() {
  const settings = useMemo(() => urlSettings(), []);
  const [choice, setChoice] = useState(
    () => dialectNamed(settings.dialect) ?? dialectNamed(remembered('dialect')) ?? TUTOR,
  );
  const [threadId, setThreadId] = useState(storedThreadId);
  const [inspector, setInspector] = useState<StatelyInspector | null>(null);
  const [listen, setListen] = useState(() => settings.voice ?? remembered('voice') !== 'off');
  const [chosenMode, setMode] = useState(storedMode);
  const mode = chosenMode === 'handsfree' && !listen ? 'hold' : chosenMode;
  const conversation = useDemoConversation({
    dialect: choice.dialect,
    threadId,
    settings,
    inspector,
    listen,
    handsFree: mode === 'handsfree',
  });

  const chooseMode = (next: TalkMode) => {
    remember('mode', next);
    setMode(next);
  };
  const chooseListen = (next: boolean) => {
    remember('voice', next ? 'on' : 'off');
    setListen(next);
  };
  const chooseDialect = (name: string) => {
    const next = dialectNamed(name);
    if (!next) return;
    remember('dialect', name);
    setChoice(next);
  };
  // Opened from the click, so the browser lets the inspector's tab open; the conversation starts
  // over under it (same thread), since the inspector must see the actors being created.
  const openInspector = () => {
    inspector?.stop();
    setInspector(createStatelyInspector());
  };

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          voxstate <span className="brand-sub">demo</span>
        </div>
        <DialectSwitch value={choice.dialect.name} onChange={chooseDialect} />
        <ThemeToggle />
      </header>
      {conversation && (
        <VoiceConversationProvider key={conversation.actor.sessionId} actor={conversation.actor}>
          <main className="layout">
            <TalkingMode
              host={conversation.host}
              mode={mode}
              settings={{ onModeChange: chooseMode, listen, onListenChange: chooseListen }}
            />
            <DeveloperPanel
              log={conversation.log}
              choice={choice}
              threadId={threadId}
              onNewThread={() => setThreadId(newThreadId())}
              onOpenInspector={openInspector}
              inspecting={inspector !== null}
            />
          </main>
        </VoiceConversationProvider>
      )}
    </div>
  );
}
