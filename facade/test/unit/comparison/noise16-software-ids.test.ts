// noise16: the software each side runs, where a format or a host names it. An iCalendar or vCard
// PRODID ("the identifier for the product that created the object", RFC 5545 §3.7.3, RFC 6350
// §6.7.3), a host's own KernelVersion (Docker's /info and /version), a version alike but for the
// commit its build came from (Envoy's /server_info): each side's own, `instance`. The same shapes
// stay real where they are data: a version in an event's text, a kernel in an inventory's list of
// hosts, another version number, a product id without a version, a value one side lacks.
import { evaluate } from '../../../src/core/comparison';
import { aJsonObservation, aTextObservation, compiled } from '../compare/builders';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const rules = compiled();
const json = (a: unknown, b: unknown): Array<[string, string | null]> =>
  evaluate(aJsonObservation(a), { ...aJsonObservation(b), side: 'service' }, rules, false, false, NOW).facts.map((f) => [f.path, f.generated?.kind ?? null]);
const ics = (prodid: string, summary = 'Standup'): string => ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${prodid}`, 'BEGIN:VEVENT',
  'UID:evt-110@acme.io', 'DTSTART;TZID=Europe/Berlin:20270111T090000', `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
const text = (a: string, b: string): Array<[string, string | null]> =>
  evaluate(aTextObservation(a, { 'content-type': 'text/calendar; charset=utf-8' }), { ...aTextObservation(b, { 'content-type': 'text/calendar; charset=utf-8' }), side: 'service' },
    rules, false, false, NOW).facts.map((f) => [String(f.primary).slice(0, 7), f.generated?.kind ?? null]);

describe('the product that wrote a calendar or a card (PRODID)', () => {
  it('is each side\'s own software: another patch release, or another product, each naming its version', () => {
    expect(text(ics('-//IDN nextcloud.com//Calendar app 4.6.4//EN'), ics('-//IDN nextcloud.com//Calendar app 4.6.5//EN'))).toEqual([['PRODID:', 'instance']]);
    expect(text(ics('-//Sabre//Sabre VObject 4.5.4//EN'), ics('-//Acme//calendar-svc 1.3.0//EN'))).toEqual([['PRODID:', 'instance']]);
  });

  it('stays a difference beside it, without a version, or in an event\'s own text', () => {
    expect(text(ics('-//IDN nextcloud.com//Calendar app 4.6.4//EN', 'Release 4.6.4'), ics('-//IDN nextcloud.com//Calendar app 4.6.5//EN', 'Release 4.6.5')))
      .toEqual([['PRODID:', 'instance'], ['SUMMARY', null]]);
    expect(text(ics('-//Acme//Calendar//EN'), ics('-//Acme//Calendar v2//EN'))).toEqual([['PRODID:', null]]);
  });
});

describe('the kernel a host runs (KernelVersion)', () => {
  it('is the answering host\'s own, read as a version at a field of the answer itself', () => {
    expect(json({ ID: 'a', KernelVersion: '5.15.0-1051-aws', NCPU: 8 }, { ID: 'a', KernelVersion: '6.1.58+', NCPU: 8 })).toEqual([['$.KernelVersion', 'instance']]);
    expect(json({ Platform: { Name: 'Docker Engine' }, Components: { Details: { kernel_version: '5.15.0' } } }, { Platform: { Name: 'Docker Engine' }, Components: { Details: { kernel_version: '6.1.0' } } }))
      .toEqual([['$.Components.Details.kernel_version', 'instance']]);
  });

  it('stays data in a list of hosts, as no version, or under another name', () => {
    expect(json({ hosts: [{ name: 'web-1', kernelVersion: '5.15.0' }] }, { hosts: [{ name: 'web-1', kernelVersion: '6.1.0' }] })).toEqual([['$.hosts[0].kernelVersion', null]]);
    expect(json({ KernelVersion: '5.15.0' }, { KernelVersion: 'unknown' })).toEqual([['$.KernelVersion', null]]);
    expect(json({ minKernelVersion: '5.15.0' }, { minKernelVersion: '6.1.0' })).toEqual([['$.minKernelVersion', null]]); // a requirement: data
  });
});

describe('a version alike but for its build\'s commit', () => {
  it('is the build each side runs of one release', () => {
    expect(json({ version: 'ee7b85e38e6d622314ec340ad1c0544895fcce27/1.28.0/Clean/RELEASE/BoringSSL' }, { version: 'f062635af9dbe8d4036737b126458c99744399fe/1.28.0/Clean/RELEASE/BoringSSL' }))
      .toEqual([['$.version', 'instance']]);
  });

  it('stays a difference for another release, an id with no release in it, or another name', () => {
    expect(json({ version: 'ee7b85e38e6d622314ec340ad1c0544895fcce27/1.28.0/Clean' }, { version: 'f062635af9dbe8d4036737b126458c99744399fe/1.29.0/Clean' })).toEqual([['$.version', null]]);
    expect(json({ version: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY' }, { version: 'Zq9yXw8vUt7sRq6pM2nB5vC8xZ1aS4dF' })).toEqual([['$.version', null]]); // an object store's version id
    expect(json({ version: 'a1b2c3d4e5f6' }, { version: 'f6e5d4c3b2a1' })).toEqual([['$.version', null]]); // a document's content version
    expect(json({ file: 'ee7b85e3/1.28.0/orders.tar' }, { file: 'f062635a/1.28.0/orders.tar' })).toEqual([['$.file', null]]);
  });
});
