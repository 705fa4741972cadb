{{/* Names and labels shared by every object of the release. */}}
{{- define "cinemate.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "cinemate.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "cinemate.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "cinemate.secretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{ .Values.secrets.existingSecret }}
{{- else -}}
{{ include "cinemate.fullname" . }}-env
{{- end -}}
{{- end -}}

{{/* The env every pod reads: the ConfigMap, then the Secret (PostgreSQL, Redis, signing keys). */}}
{{- define "cinemate.envFrom" -}}
- configMapRef:
    name: {{ include "cinemate.fullname" . }}-env
- secretRef:
    name: {{ include "cinemate.secretName" . }}
{{- end -}}

{{/* The media store and a writable /tmp under a read-only root filesystem. */}}
{{- define "cinemate.volumes" -}}
- name: tmp
  emptyDir: {}
- name: media
{{- if .Values.media.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ .Values.media.persistence.existingClaim | default (printf "%s-media" (include "cinemate.fullname" .)) }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end -}}

{{- define "cinemate.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: media
  mountPath: /app/data
{{- end -}}
