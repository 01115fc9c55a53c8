/** schedule → EventBridge Scheduler in its own group: translated cron, UTC, the envelope as target input. */
import { expect } from 'chai';
import { TopologyError, topology } from '../../../contracts';
import { ImageUploaded, ReportRequested } from '../../../app/events';
import { EXECUTION_ID, SCHEDULED_TIME, SNS_PUBLISH_TARGET } from '../../../providers/aws/schedule';
import { findResource, inventoryOf, json, realizeOnAws, resourcesOf } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

function app(to: 'bus' | 'topic' = 'bus') {
  const t = topology('sch');
  const target = to === 'bus' ? t.bus('shop') : t.topic('reports');
  t.schedule('nightly', { cron: '0 2 * * 1-5', emits: ReportRequested, to: target, data: { date: '{{scheduledTime}}', note: 'at {{scheduledTime}}' } });
  return t.build();
}

describe('aws schedule', () => {
  it('creates exactly a schedule group, a role and its policy, a DLQ with its alarm, and the schedule', async () => {
    await realizeOnAws(app());
    expect(inventoryOf(findResource('herald:aws:Schedule', 'nightly'))).to.deep.equal({
      'aws:scheduler/scheduleGroup:ScheduleGroup': 1, // schedules cannot be tagged; groups can
      'aws:iam/role:Role': 1,
      'aws:iam/rolePolicy:RolePolicy': 1,
      'aws:sqs/queue:Queue': 1,
      'aws:cloudwatch/metricAlarm:MetricAlarm': 1,
      'aws:scheduler/schedule:Schedule': 1,
    });
  });

  it('runs on the translated 6-field cron, in UTC, without a flexible window', async () => {
    await realizeOnAws(app());
    const schedule = findResource('aws:scheduler/schedule:Schedule', 'nightly');
    expect(schedule.inputs).to.deep.include({
      scheduleExpression: 'cron(0 2 ? * 2-6 *)', scheduleExpressionTimezone: 'UTC', flexibleTimeWindow: { mode: 'OFF' },
      groupName: findResource('aws:scheduler/scheduleGroup:ScheduleGroup', 'nightly').outputs.name,
    });
  });

  it('puts the declared event on the bus as a CloudEvent stamped with the run\'s time', async () => {
    await realizeOnAws(app());
    const target = findResource('aws:scheduler/schedule:Schedule', 'nightly').inputs.target;
    expect(target.arn).to.equal(findResource('aws:cloudwatch/eventBus:EventBus', 'shop').outputs.arn);
    expect(target.eventbridgeParameters).to.deep.equal({ detailType: 'ReportRequested.v1', source: 'shop.reports' });
    expect(target.deadLetterConfig).to.deep.equal({ arn: findResource('aws:sqs/queue:Queue', 'nightly-dlq').outputs.arn });
    expect(json(target.input)).to.deep.equal({
      specversion: '1.0', id: `nightly@${SCHEDULED_TIME}`, source: 'shop.reports', type: 'ReportRequested.v1', time: SCHEDULED_TIME,
      datacontenttype: 'application/json', correlationid: EXECUTION_ID, data: { date: SCHEDULED_TIME, note: `at ${SCHEDULED_TIME}` },
    });
  });

  it('lets only the Scheduler, for this group, assume a role that can put only this event and dead-letter', async () => {
    await realizeOnAws(app());
    const role = findResource('aws:iam/role:Role', 'nightly-scheduler');
    expect(findResource('aws:scheduler/schedule:Schedule', 'nightly').inputs.target.roleArn).to.equal(role.outputs.arn);
    expect(json(role.inputs.assumeRolePolicy).Statement[0]).to.deep.equal({
      Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole',
      Condition: { ArnEquals: { 'aws:SourceArn': findResource('aws:scheduler/scheduleGroup:ScheduleGroup', 'nightly').outputs.arn } },
    });
    const statements = json(findResource('aws:iam/rolePolicy:RolePolicy', 'nightly-scheduler-policy').inputs.policy).Statement;
    expect(statements.map((s: any) => [s.Action, s.Condition])).to.deep.equal([
      [['events:PutEvents'], { StringEquals: { 'events:detail-type': ['ReportRequested.v1'], 'events:source': ['shop.reports'] } }],
      [['sqs:SendMessage'], undefined],
    ]);
  });

  it('publishes to a topic through the SNS universal target, with the filter attributes', async () => {
    await realizeOnAws(app('topic'));
    const target = findResource('aws:scheduler/schedule:Schedule', 'nightly').inputs.target;
    expect(target.arn).to.equal(SNS_PUBLISH_TARGET);
    const input = json(target.input);
    expect(input.TopicArn).to.equal(findResource('aws:sns/topic:Topic', 'reports').outputs.arn);
    expect(json(input.Message).type).to.equal('ReportRequested.v1');
    expect(input.MessageAttributes).to.deep.equal({
      ce_type: { DataType: 'String', StringValue: 'ReportRequested.v1' }, ce_source: { DataType: 'String', StringValue: 'shop.reports' },
    });
  });

  it('computes declared extensions from the data template', async () => {
    const t = topology('sch');
    const bus = t.bus('shop');
    t.schedule('probe', { cron: '0 * * * *', emits: ImageUploaded, to: bus, data: { bucket: 'b', key: 'k', size: 1, contentType: 'IMAGE/PNG' } });
    await realizeOnAws(t.build());
    expect(json(findResource('aws:scheduler/schedule:Schedule', 'probe').inputs.target.input)).to.include({ contenttype: 'image/png' });
  });

  it('refuses at deploy time a schedule whose data fits no run of its event, creating none of its resources', async () => {
    // arrange: the Scheduler would fill the data in at each run, where nothing checks it any more
    const t = topology('sch');
    t.schedule('broken', { cron: '0 2 * * *', emits: ReportRequested, to: t.bus('shop'), data: { date: 'yesterday' } });
    // act
    const error = await expectReject(realizeOnAws(t.build()), TopologyError, /\[schedules\[broken\]\.data\] does not fit ReportRequested\.v1 .*date: an ISO 8601 date/);
    // assert
    expect(error.issues.map((i) => i.field)).to.deep.equal(['schedules[broken].data']);
    expect(resourcesOf('herald:aws:Schedule')).to.deep.equal([]);
    expect(resourcesOf('aws:scheduler/schedule:Schedule')).to.deep.equal([]);
  });
});
