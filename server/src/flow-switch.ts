/**
 * A leaf beside version.ts (not in engine/): the result cache's key reads it,
 * and a warm `check` loads nothing of the engine (test/cli/cold-start.test.ts).
 *
 * The bench's switch for the flow layer, and nothing else: `npm run bench`
 * starts a second server and a second `check` with `PYSEC_BENCH_FLOW=off`
 * (worker threads inherit it) to measure what the flow layer costs in the
 * same run (issue 14). Off, the layer answers without looking at data flow
 * (engine/flow/index.ts): no request data may reach anything (the request gate does not
 * scan, the flow rules stop at their gate), every sink's argument is
 * `unknown`, and the grading asks constants only (grading/merged.ts). Read
 * once, when the module loads; not a setting, and not for users: the
 * findings are not those of the product.
 */
export const FLOW_OFF = process.env.PYSEC_BENCH_FLOW === 'off';
