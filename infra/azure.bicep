// Azure resources for one environment of Direct Routing onboarding (deployed by `arm/deploy` in teamsapp.yml):
// an App Service plan, a Linux web app on Node 22 that serves the tab, the API and the bot endpoint on one origin,
// and a single-tenant Azure Bot pointing at https://<web app>/api/messages with the Teams channel enabled.
// Every `output` below is written by Agents Toolkit into env/.env.<env> under the same (upper-case) name.

@maxLength(40)
@minLength(4)
@description('Base name of the plan, the web app and the bot. The web app name must be globally unique.')
param resourceBaseName string

@description('App Service plan SKU. B1 or larger: the bot needs Always On.')
param appServiceSku string = 'B1'

param location string = resourceGroup().location

@description('Tenant of the provider: where operators sign in and where both Entra apps live.')
param tenantId string = subscription().tenantId

@description('Client id of the Teams SSO Entra app (AUTH_CLIENT_ID).')
param ssoClientId string

@description('Client id of the bot Entra app (MicrosoftAppId).')
param botAppId string

@description('Tenant of the bot Entra app (single-tenant bot).')
param botTenantId string

@secure()
@description('Client secret of the bot Entra app (MicrosoftAppPassword).')
param botPassword string

@secure()
@description('postgres:// URL of the database; empty keeps SQLite under /home/data (one instance only).')
param databaseUrl string = ''

@maxLength(42)
param botDisplayName string = 'DR onboarding'

var webAppName = resourceBaseName

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
  }
  properties: {
    reserved: true // Linux
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      alwaysOn: true
      ftpsState: 'FtpsOnly'
      minTlsVersion: '1.2'
      // The deploy step uploads the built workspace with its node_modules; start the server directly.
      appCommandLine: 'npx tsx api/src/main.ts'
      appSettings: [
        { name: 'NODE_ENV', value: 'production' }
        // App Service sets PORT; the server must listen on every interface inside the container.
        { name: 'HOST', value: '0.0.0.0' }
        // /home is the persistent, shared file system of App Service on Linux.
        { name: 'DATA_DIR', value: '/home/data' }
        { name: 'DATABASE_URL', value: databaseUrl }
        { name: 'M365_MODE', value: 'live' }
        { name: 'AUTH_MODE', value: 'entra' }
        { name: 'AUTH_TENANT_ID', value: tenantId }
        { name: 'AUTH_CLIENT_ID', value: ssoClientId }
        { name: 'MicrosoftAppId', value: botAppId }
        { name: 'MicrosoftAppPassword', value: botPassword }
        { name: 'MicrosoftAppTenantId', value: botTenantId }
        { name: 'MicrosoftAppType', value: 'SingleTenant' }
        // The deployment already contains node_modules and the built tab: no build on the server.
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
      ]
    }
  }
}

// New multi-tenant bot registrations are deprecated: this one is single-tenant, in the provider's tenant.
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAppId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botTenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// Written to env/.env.<env> by Agents Toolkit (same names).
output AZURE_WEB_APP_RESOURCE_ID string = webApp.id
output TAB_DOMAIN string = webApp.properties.defaultHostName
output TAB_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
