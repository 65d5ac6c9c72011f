import { setZodJitless } from './lib/zod-jitless';

// Runs in the browser before any page code. zod would otherwise probe `new Function` to compile
// fast parsers the first time a page builds a schema; the pages' CSP forbids eval (no
// 'unsafe-eval'), so every such page would log a CSP violation. The plain parser is enough there.
setZodJitless();
