// Field names as the corpus counts them: a difference path with every array index and text line
// number generalised (`$.items[3].price` -> `$.items[*].price`, `text[12]`, a CSV's row `text["row 1043"]` and a page's
// line named by its place, `text["main/table/tr[4]/td/text()"]` (markup-names.ts), -> `text[*]`) and
// header names lower-cased, so findings spelled either way meet the truth. A truth may name an exact
// line (`text[20]`, `text["head/meta"]`) where one page holds noise and a real difference on lines of their own.

/** The field a difference path counts under. Quoted keys (`$["a[1]"]`) are left as they are. */
export function fieldOf(path: string): string {
  let out = '';
  let i = 0;
  while (i < path.length) {
    const row = i === 4 && path.startsWith('text["') ? /^\["(?:[^"\\]|\\.)*"\]$/.exec(path.slice(i)) : null;
    if (row) {
      out += '[*]'; // a CSV row named by its key (row-diff.ts), a page's line by its place (markup-names.ts)
      i = path.length;
    } else if (path.startsWith('["', i)) {
      // a quoted key: copy through its closing `"]`, honouring backslash escapes
      let j = i + 2;
      while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
      out += path.slice(i, j + 2);
      i = j + 2;
    } else {
      const index = /^\[\d+\]/.exec(path.slice(i));
      out += index ? '[*]' : path[i];
      i += index ? index[0].length : 1;
    }
  }
  return /^headers\./i.test(out) ? out.toLowerCase() : out;
}

/** The field a difference path counts under for an endpoint whose truth lists `fields`: an exact line it names stays exact. */
export function fieldIn(path: string, fields: readonly string[]): string {
  return /^text\[(?:\d+|".*")\]$/.test(path) && fields.includes(path) ? path : fieldOf(path);
}
