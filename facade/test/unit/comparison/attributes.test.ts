// A `{key, value}` attribute list names its values by a sibling, not by the path: Jaeger's process
// tags, OTLP's resource attributes, AWS's tags. A value whose key names the answering process (its
// host name, its pid) is each side's own; another key's value (a currency, a tenant) is compared.
import { evaluate } from '../../../src/core/comparison';
import { aJsonObservation, compiled as compiledRules } from '../compare/builders';

const rules = compiledRules({ headers: ['content-type'] });
const generatedAt = (primary: unknown, shadow: unknown): Record<string, string | null> =>
  Object.fromEntries(evaluate(aJsonObservation(primary), aJsonObservation(shadow, {}, 200), rules, false).facts.map((f) => [f.path, f.generated?.kind ?? null]));

describe('a {key, value} attribute', () => {
  it('whose key names the process (Jaeger\'s hostname, OTLP\'s host.name and process.pid) is that side\'s own', () => {
    const jaeger = (host: string, ip: string) => ({ data: [{ processes: { p1: { serviceName: 'shop', tags: [{ key: 'hostname', type: 'string', value: host }, { key: 'ip', type: 'string', value: ip }] } } }] });
    expect(generatedAt(jaeger('shop-web-2', '10.0.0.7'), jaeger('catalog-7f9c', '10.0.0.7'))).toEqual({ '$.data[0].processes.p1.tags[0].value': 'instance' });
    const otlp = (host: string, pid: number, ip: string) => ({ resource: { attributes: [{ key: 'host.name', value: { stringValue: host } }, { key: 'process.pid', value: { intValue: pid } },
      { key: 'host.ip', value: { stringValue: ip } }] } });
    expect(generatedAt(otlp('shop-web-2', 4711, '10.0.3.17'), otlp('catalog-1', 12, '10.0.5.2'))).toEqual({
      '$.resource.attributes[0].value.stringValue': 'instance', '$.resource.attributes[1].value.intValue': 'instance', '$.resource.attributes[2].value.stringValue': 'instance' });
  });

  it('whose key names anything else, or differs between the sides, is compared', () => {
    const tags = (key: string, value: string) => ({ Tags: [{ Key: key, Value: value }] });
    expect(generatedAt(tags('currency', 'EUR'), tags('currency', 'USD'))).toEqual({ '$.Tags[0].Value': null });
    expect(generatedAt(tags('hostname', 'web-1'), tags('owner', 'web-2'))).toEqual({ '$.Tags[0].Key': null, '$.Tags[0].Value': null });
  });
});
