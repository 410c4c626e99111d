/**
 * zod 4 probes `new Function('')` to decide whether to compile its parsers; the page's CSP
 * refuses eval and reports the probe. Imported first by main.tsx so it runs before any module
 * builds a schema (imports are evaluated in order, before the importing module's body).
 */
import { z } from 'zod';

z.config({ jitless: true });
