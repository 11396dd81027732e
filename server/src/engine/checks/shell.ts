import type { Check } from '../rule.js';

export const CHECKS_SHELL: Record<string, Check> = {};
