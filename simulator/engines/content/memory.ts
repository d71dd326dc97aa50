import { asBuffer, memoryPiece, type ContentStore } from './piece.ts';

/** Every byte in memory (the default): a piece is the buffers it was given or received in. */
export function createMemoryContentStore(): ContentStore {
  return {
    kind: 'memory',
    directory: undefined,
    fromBytes: (data) => memoryPiece([data]),
    async write(source, observe) {
      const parts: Buffer[] = [];
      for await (const chunk of source) {
        const buffer = asBuffer(chunk);
        observe?.(buffer);
        parts.push(buffer);
      }
      return memoryPiece(parts);
    },
    close: () => Promise.resolve(),
  };
}
