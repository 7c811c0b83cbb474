import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { withStatementCache } from "./database.js";

function open() {
  const raw = new SqliteDatabase(join(mkdtempSync(join(tmpdir(), "dr-stmt-")), "t.sqlite"));
  raw.exec("create table t (a integer)");
  return raw;
}

describe("the SQLite statement cache", () => {
  it("prepares a query once and hands the same statement back", () => {
    const raw = open();
    const db = withStatementCache(raw);
    const first = db.prepare("select count(*) as n from t");
    expect(db.prepare("select count(*) as n from t")).toBe(first);
    expect(db.prepare("select a from t")).not.toBe(first);
    db.close();
    expect(raw.open).toBe(false);
  });

  it("drops the least recently used statement past its size", () => {
    const db = withStatementCache(open(), 2);
    const a = db.prepare("select 1");
    const b = db.prepare("select 2");
    expect(db.prepare("select 1")).toBe(a); // now "select 2" is the oldest
    db.prepare("select 3");
    expect(db.prepare("select 1")).toBe(a);
    expect(db.prepare("select 2")).not.toBe(b);
  });

  it("keeps answering right after the schema changes under a kept statement", () => {
    const raw = open();
    const db = withStatementCache(raw);
    db.prepare("insert into t (a) values (?)").run([1]);
    expect(db.prepare("select * from t").all([])).toEqual([{ a: 1 }]);
    raw.exec("alter table t add column b text default 'x'");
    expect(db.prepare("select * from t").all([])).toEqual([{ a: 1, b: "x" }]);
  });
});
