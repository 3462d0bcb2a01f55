import Database from 'better-sqlite3';
import { SqliteSql } from '../../../src/io/db/sqlite-sql';

// A commit that fails after the statement's first step (a full disk; here a deferred foreign key,
// checked only at commit) must throw, not hand back the id of a row that was never stored.
function withDeferredCheck(): { db: Database.Database; sql: SqliteSql } {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE p (id INTEGER PRIMARY KEY);
    CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)`);
  return { db, sql: new SqliteSql(db) };
}

it('throws when the commit of an INSERT … RETURNING fails, and stores nothing', async () => {
  const { db, sql } = withDeferredCheck();
  await expect(sql.get<{ id: number }>('INSERT INTO c (p) VALUES (?) RETURNING id', [42])).rejects.toThrow(/FOREIGN KEY/);
  expect((db.prepare('SELECT count(*) AS n FROM c').get() as { n: number }).n).toBe(0);
  db.close();
});

it('returns the id of a row that was committed, and reads as before', async () => {
  const { db, sql } = withDeferredCheck();
  await sql.run('INSERT INTO p (id) VALUES (?)', [42]);
  expect(await sql.get<{ id: number }>('INSERT INTO c (p) VALUES (?) RETURNING id', [42])).toEqual({ id: 1 });
  expect(await sql.get<{ n: number }>('SELECT count(*) AS n FROM c')).toEqual({ n: 1 });
  expect(await sql.get('SELECT id FROM c WHERE id = ?', [99])).toBeUndefined();
  db.close();
});
