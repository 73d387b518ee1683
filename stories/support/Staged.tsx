import { useEffect, useState } from 'react';
import { VoiceConversationProvider } from 'voxstate/react';
import { TalkingMode } from '../../demo/src/components/TalkingMode.tsx';
import { createAudioHost } from '../../src/audio/host.ts';
import { BargeInNote } from './BargeInNote.tsx';
import { type Scene, type Stage, stageConversation } from './scene.ts';
import './stories.css';

/**
 * Renders the demo's talking mode over a conversation that `scene` drives into its state. The
 * conversation is made in an effect (and stopped in its cleanup), so a remount starts a fresh one.
 */
export function Staged({ scene }: { scene: Scene }) {
  const [staged, setStaged] = useState<{ stage: Stage; host: ReturnType<typeof createAudioHost> } | null>(
    null,
  );
  useEffect(() => {
    const stage = stageConversation(scene);
    // The orb's analyser listens to what playback sends to the speakers: silence here.
    const host = createAudioHost();
    stage.actor.start();
    setStaged({ stage, host });
    scene.run(stage).catch((error) => console.error('The scene did not reach its state:', error));
    return () => {
      stage.actor.stop();
      void host.close();
    };
  }, [scene]);
  if (!staged) return null;
  return (
    <VoiceConversationProvider actor={staged.stage.actor}>
      <div className="story-frame">
        <TalkingMode host={staged.host} />
        <BargeInNote />
      </div>
    </VoiceConversationProvider>
  );
}
