/** schedule → a timer-triggered ingress app reading its NCRONTAB from an app setting. */
import { expect } from 'chai';
import { INGRESS_SECRET, ingressApp } from './ingress-app';
import { AZURE_CONFIG_SETTING } from '../../../providers/azure/runtime/config';
import { appSettings, findResource, realizeOnAzure } from '../../helpers/azure-mocks';
import { json } from '../../helpers/pulumi-mocks';

const app = ingressApp;
const SECRET = INGRESS_SECRET;

describe('azure schedule', () => {
  it('runs a schedule as a timer on a 6-field NCRONTAB app setting, UTC', async () => {
    const { result } = await realizeOnAzure(app(), SECRET, Object.keys(SECRET));
    const settings = appSettings(findResource('azure-native:web:WebApp', 'nightly-schedule'));
    expect(settings.HERALD_SCHEDULE_NIGHTLY).to.equal('0 */15 2 * * 1-5');
    expect(settings).not.to.have.property('WEBSITE_TIME_ZONE');
    expect(json(settings[AZURE_CONFIG_SETTING])).to.deep.include({ kind: 'schedule', name: 'nightly', schedule: '%HERALD_SCHEDULE_NIGHTLY%', cron: '*/15 2 * * 1-5' });
    expect(result.outputs.schedules!.nightly).to.deep.include({ setting: 'HERALD_SCHEDULE_NIGHTLY', ncrontab: '0 */15 2 * * 1-5' });
  });
});
