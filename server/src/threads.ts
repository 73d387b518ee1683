/** Conversation threads (seed 004's `thread_id`): turn counts and history survive reconnects. */
import type { ChatMessage } from './pipeline/types.ts';

/** Messages kept per thread for the responder; older ones are forgotten. */
const HISTORY = 20;

export class Thread {
  turns = 0;
  history: ChatMessage[] = [];

  remember(user: string, assistant: string): void {
    this.history.push({ role: 'user', content: user }, { role: 'assistant', content: assistant });
    this.history.splice(0, Math.max(0, this.history.length - HISTORY));
  }
}

/** The threads of the last `max` conversations, least recently used out first. */
export class Threads {
  private readonly threads = new Map<string, Thread>();

  constructor(private readonly max = 1000) {}

  get(id: string): Thread {
    const thread = this.threads.get(id) ?? new Thread();
    this.threads.delete(id);
    this.threads.set(id, thread);
    for (const old of this.threads.keys()) {
      if (this.threads.size <= this.max) break;
      this.threads.delete(old);
    }
    return thread;
  }
}
