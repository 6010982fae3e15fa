import Database from 'better-sqlite3';
import { distinctTerms } from '../src/catalog/text.js';
const db = new Database('/tmp/stylus-bench-catalogs/catalog-300000-e96a9096e003af4e.db');
db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vc USING fts5vocab(main, adapters_fts, col)");
const byCol = db.prepare("SELECT col, doc FROM temp.vc WHERE term = ?");
const t = (label: string, fn: () => unknown) => { const s = performance.now(); let r; for (let i=0;i<1;i++) r = fn(); console.log(label, ((performance.now()-s)/1).toFixed(2), 'ms', Array.isArray(r) ? r.length : JSON.stringify(r)); };
const prompts = ['a woman with long hair','a girl in a dress','a man in a black suit','a beautiful woman, portrait, detailed face','a cute girl with blue eyes and long hair, smiling','a photo of a woman','an anime girl','masterpiece, best quality, 1girl, solo, long hair, looking at viewer'];
for (const p of prompts) {
  const terms = distinctTerms(p);
  console.log(p, terms.map(term => `${term}:${byCol.all(term).map((r:any)=>r.col[0]+r.doc).join(',')}`).join('  '));
  const conj = terms.map(x=>`"${x}"`).join(' AND ');
  t(' all count', () => db.prepare("SELECT count(*) n FROM adapters_fts WHERE adapters_fts MATCH ?").get(conj));
  t(' head count', () => db.prepare("SELECT count(*) n FROM adapters_fts WHERE adapters_fts MATCH ?").get(`{name triggers}: (${conj})`));
  t(' head OR count', () => db.prepare("SELECT count(*) n FROM adapters_fts WHERE adapters_fts MATCH ?").get(`{name triggers}: (${terms.map(x=>`"${x}"`).join(' OR ')})`));
}
