// The CommonJS view of the same types (dist/*.d.cts).
import lruMemo = require('lru-memo');

const f = lruMemo.lruCache((n: number) => n * 2, { maxSize: 4 });
const info: lruMemo.CacheInfo = f.cacheInfo();
// @ts-expect-error cacheInfo has no such field
info.hitz;
export = { f, info };
