// The bytes the site holds (file contents, staged objects), kept in memory or on disk. The file
// systems and the object store hold references to pieces and share them: a staged upload moved
// into a file, or a file staged for download, is the same pieces, never a copy.
export { createMemoryContentStore } from './memory.ts';
export { createDiskContentStore, checkDataDir } from './disk.ts';
export { asBuffer, bytesOf, chunksOf, digestOf, memoryPiece, readRange, sizeOf, slicedChunksOf } from './piece.ts';
export type { Content, ContentStore, Piece } from './piece.ts';
