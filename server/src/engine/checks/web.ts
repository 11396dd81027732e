import type { Check } from '../rule.js';

export const CHECKS_WEB: Record<string, Check> = {};
