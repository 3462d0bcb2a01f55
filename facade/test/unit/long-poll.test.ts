import { isWaitingFeed } from '../../src/core/long-poll';

describe('a changes feed held open for news', () => {
  it.each([
    ['/notes/_changes', 'style=all_docs&feed=longpoll&heartbeat=10000&since=26'], // PouchDB's live sync
    ['/notes/_changes', 'feed=continuous&since=now&heartbeat=1000'],
    ['/notes/_changes/', 'feed=eventsource'],
    ['/_db_updates', 'feed=longpoll&since=now'],
    ['/couch/db%2Fwith%2Fslash/_changes', 'timeout=25000&feed=longpoll'],
  ])('%s?%s is one', (path, query) => {
    expect(isWaitingFeed(path, query)).toBe(true);
  });

  it.each([
    ['/notes/_changes', 'since=0'], // a one-off list: compared as any read
    ['/notes/_changes', 'feed=normal&since=3'],
    ['/notes/_changes', ''],
    ['/api/news', 'feed=longpoll'], // not a changes feed
    ['/notes/_changes_archive', 'feed=longpoll'],
    ['/notes/_changes', 'newsfeed=longpoll'],
  ])('%s?%s is not', (path, query) => {
    expect(isWaitingFeed(path, query)).toBe(false);
  });
});
