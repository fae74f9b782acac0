import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { PrometheusVerifier } from "../settings.js";
import { fillTemplate, holds, parseCondition, templateProblem } from "./promql.js";

const values = { tag: "v1.2.3", sha: "a".repeat(40), env: "production" };

describe("PromQL query templates", () => {
  it("fills placeholders inside double- and single-quoted strings, escaping the quote of the string each one is in", () => {
    const query = `x{version="{{tag}}", env='{{ env }}', sha="{{sha}}"}`;
    expect(fillTemplate(query, values)).toBe(`x{version="v1.2.3", env='production', sha="${"a".repeat(40)}"}`);
    const hostile = { ...values, tag: `a"b'c\\d\ne` };
    expect(fillTemplate(`x{v="{{tag}}"} or y{v='{{tag}}'}`, hostile)).toBe(`x{v="a\\"b'c\\\\d\\x0ae"} or y{v='a"b\\'c\\\\d\\x0ae'}`);
  });

  it("leaves placeholders in comments and escaped quotes alone, and knows where strings end", () => {
    expect(fillTemplate(`x{a="q\\"{{tag}}"} # {{tag}}`, values)).toBe(`x{a="q\\"v1.2.3"} # {{tag}}`);
    expect(templateProblem(`x{a="\\""} + y{b="{{tag}}"}`)).toBeNull();
  });

  it("refuses a placeholder outside a quoted string, in a raw string, or one it does not know", () => {
    expect(templateProblem(`x{a="b"} > {{tag}}`)).toMatch(/^\{\{tag\}\} must be inside a "double" or 'single' quoted string/);
    expect(templateProblem("x{a=`{{tag}}`}")).toMatch(/^\{\{tag\}\} must be inside/);
    expect(templateProblem(`x{a="{{version}}"}`)).toBe("unknown placeholder {{version}}: a query may use {{tag}}, {{sha}}, {{env}}");
  });
});

describe("failIf and successIf conditions", () => {
  it("parses a comparison with a number and judges values by it, infinities included", () => {
    expect(parseCondition("> 0.05")).toEqual({ operator: ">", threshold: 0.05 });
    expect(parseCondition(" <= -1e3 ")).toEqual({ operator: "<=", threshold: -1000 });
    expect(holds(parseCondition(">= 1")!, 1)).toBe(true);
    expect(holds(parseCondition("> 0.05")!, Infinity)).toBe(true);
    expect(holds(parseCondition("!= 0")!, 0)).toBe(false);
    for (const bad of ["0.05", "> abc", "=> 1", "> 1 2", "> NaN"]) expect(parseCondition(bad)).toBeNull();
  });
});

describe("the prometheus verifier's settings", () => {
  const base = { url: "http://127.0.0.1:9090", query: 'sum(up{job="app"})', failIf: "< 1" };
  const problems = (input: Record<string, unknown>) => {
    const result = v.safeParse(PrometheusVerifier, input);
    return result.success ? [] : result.issues.map((issue) => issue.message);
  };

  it("fills in the defaults", () => {
    expect(v.parse(PrometheusVerifier, base)).toEqual({
      ...base,
      interval: 10,
      successes: 3,
      failureLimit: 1,
      errorLimit: 3,
      onEmpty: "wait",
      initialDelay: 0,
      timeout: 10,
    });
  });

  it("rejects settings that cannot be judged, saying what to write instead", () => {
    expect(problems({ ...base, successIf: "> 1" })).toEqual(["expected exactly one of failIf or successIf"]);
    expect(problems({ url: base.url, query: base.query })).toEqual(["expected exactly one of failIf or successIf"]);
    expect(problems({ ...base, failIf: "above 1" })).toEqual(['expected a comparison with a number, such as "> 0.05", "<= 100" or "== 0"']);
    expect(problems({ ...base, query: "up > {{tag}}" })[0]).toMatch(/must be inside a "double" or 'single' quoted string/);
    expect(problems({ ...base, url: "http://127.0.0.1:9090/?x=1" })[0]).toMatch(/without a query or fragment/);
    expect(problems({ ...base, onEmpty: "ignore" })).toEqual(["expected fail, pass or wait"]);
    expect(problems({ ...base, url: "file:///etc/passwd" })).toEqual(["expected an http:// or https:// URL"]);
  });
});
