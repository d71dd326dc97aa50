import { describe, expect, test } from 'vitest';
import { describeContent, head, tail } from './content.ts';
import { applyMode, formatPermissions } from './mode.ts';

const text = Buffer.from('a\nb\nc\nd');

describe('head and tail as GNU coreutils', () => {
  test('lines, bytes, all-but and from', () => {
    expect(head(text, 'lines', 2, false).toString()).toBe('a\nb\n');
    expect(head(text, 'lines', 1, true).toString()).toBe('a\nb\nc\n');
    expect(head(text, 'bytes', 3, false).toString()).toBe('a\nb');
    expect(head(text, 'bytes', 2, true).toString()).toBe('a\nb\nc');
    expect(tail(text, 'lines', 2, false).toString()).toBe('c\nd');
    expect(tail(text, 'lines', 2, true).toString()).toBe('b\nc\nd');
    expect(tail(text, 'bytes', 3, false).toString()).toBe('c\nd');
    expect(tail(text, 'bytes', 3, true).toString()).toBe('b\nc\nd');
    expect(head(Buffer.alloc(0), 'lines', 10, false)).toHaveLength(0);
  });
});

test('file -b descriptions', () => {
  expect(describeContent(Buffer.alloc(0), false)).toBe('empty');
  expect(describeContent(Buffer.from('hello\n'), false)).toBe('ASCII text');
  expect(describeContent(Buffer.from('hello'), false)).toBe('ASCII text, with no line terminators');
  expect(describeContent(Buffer.from('grüezi\n'), false)).toBe('Unicode text, UTF-8 text');
  expect(describeContent(Buffer.from('#!/bin/bash\necho\n'), true)).toBe(
    'Bourne-Again shell script, ASCII text executable',
  );
  expect(describeContent(Buffer.from([0x1f, 0x8b, 8, 0]), false)).toBe('gzip compressed data');
  expect(describeContent(Buffer.from([0, 1, 2, 255]), false)).toBe('data');
});

test('modes: ls letters, octal and symbolic chmod', () => {
  expect(formatPermissions(0o755)).toBe('rwxr-xr-x');
  expect(formatPermissions(0o1777)).toBe('rwxrwxrwt');
  expect(formatPermissions(0o2750)).toBe('rwxr-s---');
  expect(formatPermissions(0o4644)).toBe('rwSr--r--');
  expect(applyMode('640', 0o777, false)).toBe(0o640);
  expect(applyMode('u+x,go-r', 0o644, false)).toBe(0o700);
  expect(applyMode('a=r', 0o777, false)).toBe(0o444);
  expect(applyMode('+X', 0o644, true)).toBe(0o755);
  expect(applyMode('+X', 0o644, false)).toBe(0o644);
  expect(applyMode('o+t', 0o777, true)).toBe(0o1777);
  expect(applyMode('rwx', 0o644, false)).toBeUndefined();
  expect(applyMode('999', 0o644, false)).toBeUndefined();
});
