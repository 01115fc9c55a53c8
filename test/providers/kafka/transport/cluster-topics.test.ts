/**
 * The topics a worker creates on a cluster no deploy prepared are exactly those `pulumi up` declares: the
 * same names, and the same config for the same stack settings (the two are written apart, one as Pulumi
 * components, one as a plain list, so this is what keeps them from drifting).
 */
import { expect } from 'chai';
import { shop } from '../../../../app/topology';
import { deliveryPlan, topology } from '../../../../contracts';
import { parseKafkaConfig } from '../../../../providers/kafka/config';
import { KAFKA_DELIVERY } from '../../../../providers/kafka/delivery';
import { topicConfig } from '../../../../providers/kafka/topic-config';
import { kafkaNames } from '../../../../providers/kafka/topics';
import { clusterTopics } from '../../../../providers/kafka/transport/cluster-topics';
import { DEV_KAFKA, realizeOnKafka, topicsByName } from '../../../helpers/kafka-mocks';
import { Tick } from '../../local/fixtures';

describe('kafka cluster topics (what a worker creates when missing)', () => {
  const cases = {
    'the example app': shop,
    'a small app with a declared queue, an own queue, a stream and a direct subscription': (() => {
      const app = topology('tiny');
      const bus = app.bus('b');
      const alerts = app.topic('alerts');
      app.fn('f', { handler: 'h.ts' }).subscribe(bus, { events: [Tick], via: app.queue('q', { retention: '10d', deadLetterRetention: '20d' }), name: 'f-b' });
      app.fn('g', { handler: 'h.ts' }).subscribe(bus, { events: [Tick], via: app.stream('s', { key: 'data.key', retention: '48h' }), name: 'g-b' });
      app.fn('h', { handler: 'h.ts' }).subscribe(bus, { events: [Tick], name: 'h-b' }).subscribe(alerts, { events: [Tick], name: 'h-alerts' });
      return app.build();
    })(),
  };
  for (const [name, t] of Object.entries(cases)) {
    it(`are the topics pulumi up declares, name for name and config for config: ${name}`, async () => {
      await realizeOnKafka(t);
      const settings = parseKafkaConfig((key) => (DEV_KAFKA as Record<string, string>)[`herald:${key}`]).settings!;
      const names = kafkaNames(t.name, 'test');
      const listed = clusterTopics(t, deliveryPlan(t, KAFKA_DELIVERY), names);
      const declared = topicsByName();
      expect(listed.map((topic) => topic.name).sort()).to.deep.equal([...declared.keys()].sort());
      for (const topic of listed) expect(topicConfig(settings, topic.options), topic.name).to.deep.equal(declared.get(topic.name)!.inputs.config);
    });
  }
});
